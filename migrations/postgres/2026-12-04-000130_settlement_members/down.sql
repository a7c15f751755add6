DROP TABLE portal_notices;
DROP TABLE settlement_members;
