DROP TABLE purchase_list_items;
DROP TABLE purchase_lists;
DROP TABLE checkout_orders;
DROP TABLE cart_lines;
