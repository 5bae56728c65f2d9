DROP TABLE product_reviews;
DROP TABLE order_approvals;
DROP TABLE approval_rules;
