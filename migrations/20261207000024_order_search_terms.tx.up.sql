-- Search terms of a customer's orders (issue 4: the orders search with 2M
-- orders, 10M lines and a customer with 200k orders).
--
-- The orders search used to be ILIKE '%q%' over the order number, the PO
-- number and every line description, which reads every order and line of
-- the customer for a rare term (1.7–1.9 s p95 at scale). No text index can
-- help under row-level security: ILIKE, @@ and @> are not LEAKPROOF, so
-- PostgreSQL evaluates them only after the tenant policy, never inside an
-- index scan (migration 13). Comparisons of text (=, <, >=) are leakproof.
--
-- So the search matches the start of a word: this table holds, per order,
-- its normalised terms (the whole order number and PO number, their parts
-- between hyphens, and every word of its line descriptions, lower-cased),
-- and a search for "stain" is the range term >= 'stain' AND term < 'staio'
-- on an index that leads with (tenant_id, customer_id, term). The column is COLLATE "C" so
-- that a prefix is one contiguous range of the index whatever the
-- database's collation.
--
-- The rows are kept by statement-level triggers on orders and order_lines in
-- the writing transaction, as the rollups of migration 22 are. They are
-- derived data: no foreign keys (a deleted order takes its terms with it in
-- its delete trigger), which would add a per-row check to every term of a
-- bulk sync.

CREATE TABLE order_search_terms (
    tenant_id   uuid NOT NULL,
    customer_id uuid NOT NULL,
    term        text COLLATE "C" NOT NULL CHECK (term <> ''),
    order_id    uuid NOT NULL,
    PRIMARY KEY (tenant_id, customer_id, term, order_id)
);
-- The other way in: an order's terms, for a search that walks the orders
-- newest first and checks each (a common word), and for the triggers.
CREATE INDEX order_search_terms_idx1 ON order_search_terms (tenant_id, order_id, term);
ALTER TABLE order_search_terms ENABLE ROW LEVEL SECURITY;
ALTER TABLE order_search_terms FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON order_search_terms
    USING (tenant_id = current_setting('app.tenant_id')::uuid)
    WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);
GRANT SELECT, INSERT, UPDATE, DELETE ON order_search_terms TO portal_app;

-- The words of a text: lower-cased, split at white space and at , ; : ( ) [
-- ] { } ", keeping those of two characters or more that hold a letter or
-- digit ("x" of "48 x 96" is in nearly every order and finds nothing).
-- Other punctuation stays inside a word ("1/2", "6061-t6", "so-1001"). The
-- Go code splits a search the same way (postgres.searchWords); lower() is
-- applied to both sides here, in the database.
--
-- ROWS 8: a description has a handful of words; the default estimate (1,000)
-- makes the planner size a hash table per order for 1,000 of them, which
-- made a backfill 3 times slower.
CREATE FUNCTION search_words(s text) RETURNS SETOF text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE ROWS 8 AS $$
    SELECT DISTINCT w FROM regexp_split_to_table(lower(s), '[[:space:],;:()\[\]{}"]+') AS w WHERE length(w) > 1 AND w ~ '[[:alnum:]]'
$$;

-- The end of the prefix range of p: the smallest text greater than every
-- text that starts with p (its last character plus one), in "C" order.
CREATE FUNCTION search_prefix_end(p text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT CASE ascii(right(p, 1))
        WHEN 1114111 THEN p || chr(1114111) -- U+10FFFF: no character follows it
        WHEN 55295 THEN left(p, -1) || chr(57344) -- skip the UTF-16 surrogates
        ELSE left(p, -1) || chr(ascii(right(p, 1)) + 1) END COLLATE "C"
$$;

-- The terms of an order as it is now: its order and PO numbers, whole and
-- by word (split at hyphens too: "1001" finds SO-1001, "2026" finds
-- C10001-2026-0042), and the words of its lines. The one definition of what a search
-- finds an order by, for the triggers and the backfills.
CREATE FUNCTION order_search_terms_of(o orders) RETURNS SETOF text LANGUAGE sql STABLE AS $$
    SELECT lower(o.order_number)
    UNION SELECT lower(o.po_number) WHERE o.po_number <> ''
    UNION SELECT search_words(replace(o.order_number, '-', ' '))
    UNION SELECT search_words(replace(o.po_number, '-', ' '))
    UNION SELECT search_words(l.description) FROM order_lines l WHERE l.tenant_id = o.tenant_id AND l.order_id = o.id
$$;

-- Replaces the terms of the given orders by what they are now (none for an
-- order that no longer exists).
CREATE FUNCTION order_search_terms_rebuild(tids uuid[], oids uuid[]) RETURNS void LANGUAGE sql AS $$
    DELETE FROM order_search_terms t USING unnest(tids, oids) AS k (tenant_id, id)
    WHERE t.tenant_id = k.tenant_id AND t.order_id = k.id;
    INSERT INTO order_search_terms (tenant_id, customer_id, term, order_id)
    SELECT o.tenant_id, o.customer_id, t, o.id FROM unnest(tids, oids) AS k (tenant_id, id)
    JOIN orders o ON o.tenant_id = k.tenant_id AND o.id = k.id CROSS JOIN LATERAL order_search_terms_of(o) AS t
    ORDER BY 1, 2, 3, 4;
$$;

-- The triggers run as the caller: row-level security applies to the terms
-- as to the orders and lines that moved them. Only the writes that change
-- what is searched do any work: a status change of 1,000 orders finds no
-- changed number and returns.
CREATE FUNCTION order_search_terms_orders() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    tids uuid[];
    oids uuid[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO order_search_terms (tenant_id, customer_id, term, order_id)
        SELECT n.tenant_id, n.customer_id, t, n.id FROM new_rows n CROSS JOIN LATERAL order_search_terms_of(n) AS t
        ORDER BY 1, 2, 3, 4
        ON CONFLICT DO NOTHING;
        RETURN NULL;
    ELSIF TG_OP = 'UPDATE' THEN
        SELECT array_agg(n.tenant_id), array_agg(n.id) INTO tids, oids
        FROM new_rows n JOIN old_rows o ON o.tenant_id = n.tenant_id AND o.id = n.id
        WHERE (n.customer_id, n.order_number, n.po_number) IS DISTINCT FROM (o.customer_id, o.order_number, o.po_number);
    ELSE
        SELECT array_agg(o.tenant_id), array_agg(o.id) INTO tids, oids FROM old_rows o;
    END IF;
    IF oids IS NOT NULL THEN
        PERFORM order_search_terms_rebuild(tids, oids);
    END IF;
    RETURN NULL;
END $$;

-- Writes to the lines of one order are serialised on the order's row (FOR
-- NO KEY UPDATE, in key order): otherwise a rebuild after a deleted line,
-- not seeing a line another transaction is adding, could delete a word that
-- the other transaction found already there and so did not insert. The
-- statements after the lock see what the other transaction committed.
CREATE FUNCTION order_search_terms_lines() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    tids uuid[];
    oids uuid[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM FROM orders o WHERE (o.tenant_id, o.id) IN (SELECT tenant_id, order_id FROM new_rows)
        ORDER BY o.tenant_id, o.id FOR NO KEY UPDATE OF o;
        -- New lines only add words.
        INSERT INTO order_search_terms (tenant_id, customer_id, term, order_id)
        SELECT DISTINCT o.tenant_id, o.customer_id, w, o.id
        FROM new_rows l JOIN orders o ON o.tenant_id = l.tenant_id AND o.id = l.order_id
        CROSS JOIN LATERAL search_words(l.description) AS w
        ORDER BY 1, 2, 3, 4
        ON CONFLICT DO NOTHING;
        RETURN NULL;
    ELSIF TG_OP = 'UPDATE' THEN
        SELECT array_agg(k.tenant_id), array_agg(k.order_id) INTO tids, oids FROM (
            SELECT n.tenant_id, n.order_id FROM new_rows n JOIN old_rows o ON o.tenant_id = n.tenant_id AND o.id = n.id
            WHERE (n.order_id, n.description) IS DISTINCT FROM (o.order_id, o.description)
            UNION
            SELECT o.tenant_id, o.order_id FROM new_rows n JOIN old_rows o ON o.tenant_id = n.tenant_id AND o.id = n.id
            WHERE (n.order_id, n.description) IS DISTINCT FROM (o.order_id, o.description)) k;
        PERFORM FROM orders o WHERE (o.tenant_id, o.id) IN (SELECT * FROM unnest(tids, oids))
        ORDER BY o.tenant_id, o.id FOR NO KEY UPDATE OF o;
    ELSE
        -- A removed line may take words that no other line of its order has.
        SELECT array_agg(k.tenant_id), array_agg(k.order_id) INTO tids, oids
        FROM (SELECT DISTINCT tenant_id, order_id FROM old_rows) k;
        PERFORM FROM orders o WHERE (o.tenant_id, o.id) IN (SELECT * FROM unnest(tids, oids))
        ORDER BY o.tenant_id, o.id FOR NO KEY UPDATE OF o;
    END IF;
    IF oids IS NOT NULL THEN
        PERFORM order_search_terms_rebuild(tids, oids);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER orders_search_terms_insert AFTER INSERT ON orders REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION order_search_terms_orders();
CREATE TRIGGER orders_search_terms_update AFTER UPDATE ON orders REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION order_search_terms_orders();
CREATE TRIGGER orders_search_terms_delete AFTER DELETE ON orders REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION order_search_terms_orders();
CREATE TRIGGER order_lines_search_terms_insert AFTER INSERT ON order_lines REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION order_search_terms_lines();
CREATE TRIGGER order_lines_search_terms_update AFTER UPDATE ON order_lines REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION order_search_terms_lines();
CREATE TRIGGER order_lines_search_terms_delete AFTER DELETE ON order_lines REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION order_search_terms_lines();

-- Backfill what exists (see migrations.go on FORCE and migrations).
ALTER TABLE orders NO FORCE ROW LEVEL SECURITY;
ALTER TABLE order_lines NO FORCE ROW LEVEL SECURITY;
ALTER TABLE order_search_terms NO FORCE ROW LEVEL SECURITY;
INSERT INTO order_search_terms (tenant_id, customer_id, term, order_id)
SELECT o.tenant_id, o.customer_id, t, o.id FROM orders o CROSS JOIN LATERAL order_search_terms_of(o) AS t;
ALTER TABLE orders FORCE ROW LEVEL SECURITY;
ALTER TABLE order_lines FORCE ROW LEVEL SECURITY;
ALTER TABLE order_search_terms FORCE ROW LEVEL SECURITY;
