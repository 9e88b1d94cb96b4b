-- Custom SQL migration file, put your code below! --
-- Signed documents stored before issue 10 carry `proof` as a JSON object; the service now emits the one-element
-- array the 1EdTech OB 3.0 JSON Schema requires (VC Data Model 2.0 allows both). `proof` is not covered by its own
-- signature, so wrapping it keeps every signature valid. The documents are text served byte for byte, so the
-- rewrite is textual, in the serialisation the service writes (compact JSON with `proof` as the last member,
-- exactly as the signer now writes it); it is used only where it parses to the same JSON with the proof wrapped,
-- and any document of another shape is re-serialised by PostgreSQL instead (the same JSON, other whitespace).
CREATE FUNCTION pg_temp.proof_as_array(document text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN forms.rewritten::jsonb = forms.wrapped THEN forms.rewritten ELSE forms.wrapped::text END
  FROM (SELECT regexp_replace(document, '"proof":(\{[^{}]*\})\}$', '"proof":[\1]}') AS rewritten,
               jsonb_set(document::jsonb, '{proof}', jsonb_build_array(document::jsonb -> 'proof')) AS wrapped) AS forms
$$;
--> statement-breakpoint
UPDATE "credentials" SET "document" = pg_temp.proof_as_array("document") WHERE jsonb_typeof("document"::jsonb -> 'proof') = 'object';
--> statement-breakpoint
UPDATE "status_lists" SET "document" = pg_temp.proof_as_array("document") WHERE jsonb_typeof("document"::jsonb -> 'proof') = 'object';
--> statement-breakpoint
UPDATE "registry_versions" SET "document" = pg_temp.proof_as_array("document") WHERE jsonb_typeof("document"::jsonb -> 'proof') = 'object';
--> statement-breakpoint
DROP FUNCTION pg_temp.proof_as_array(text);
