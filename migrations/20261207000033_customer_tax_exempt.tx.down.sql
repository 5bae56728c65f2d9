ALTER TABLE customers DROP COLUMN tax_exempt;
