DROP TRIGGER customers_catalog_update ON customers;
DROP FUNCTION catalog_versions_bump_customers();
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['products', 'product_categories', 'product_category_links', 'inventory', 'product_images',
        'product_price_breaks', 'promotions', 'customer_prices', 'customer_products'] LOOP
        EXECUTE format('DROP TRIGGER %I ON %I', t || '_catalog_insert', t);
        EXECUTE format('DROP TRIGGER %I ON %I', t || '_catalog_update', t);
        EXECUTE format('DROP TRIGGER %I ON %I', t || '_catalog_delete', t);
    END LOOP;
END $$;
DROP FUNCTION catalog_versions_bump();
DROP TABLE catalog_versions;
DROP SEQUENCE catalog_version_seq;
