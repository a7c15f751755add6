DELETE FROM banks;
DELETE FROM product_groups;
DELETE FROM districts;
