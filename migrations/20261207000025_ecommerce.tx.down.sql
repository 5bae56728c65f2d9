DROP TABLE quote_lines;
DROP TABLE quotes;
DROP TABLE api_rate_counters;
DROP TABLE customer_tokens;
