-- 013_org_match.sql (PostgreSQL): the directory looked up by any of an
-- organization's names, case-folded. A checked-in person's organization,
-- a pasted list and the import all match names this way; without these
-- indexes each lookup read every organization.
CREATE INDEX orgs_name_zh_lower ON orgs (lower(name_zh));
CREATE INDEX orgs_name_en_lower ON orgs (lower(name_en));
CREATE INDEX org_aliases_alias_lower ON org_aliases (lower(alias));
