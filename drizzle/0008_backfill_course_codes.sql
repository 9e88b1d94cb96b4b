-- Custom SQL migration file, put your code below! --
-- Every existing course gets a short code derived from its name, exactly as the service derives one for a course
-- created without a code (src/modules/achievements/codes.ts, courseCodeFromName): the English name, else the French,
-- Arabic or Chinese one; accents decomposed (NFD) and every non-ASCII character dropped; lowercase; each run of
-- other characters one "-"; at most 64 characters; "course" when fewer than 2 are left. A code already taken gets
-- -2, -3, … (oldest course first), so the result is unique before 0009 makes it required and unique.
DO $$
DECLARE
  course record;
  base text;
  candidate text;
  n integer;
BEGIN
  FOR course IN SELECT "id", "name" FROM "achievements" WHERE "code" IS NULL ORDER BY "created_at", "id" LOOP
    base := coalesce(course."name"->>'en', course."name"->>'fr', course."name"->>'ar', course."name"->>'zh', '');
    base := regexp_replace(normalize(base, NFD), '[^\x01-\x7F]', '', 'g');
    base := trim(BOTH '-' FROM regexp_replace(lower(base), '[^a-z0-9]+', '-', 'g'));
    base := rtrim(left(base, 64), '-');
    IF length(base) < 2 THEN
      base := 'course';
    END IF;
    candidate := base;
    n := 1;
    WHILE EXISTS (SELECT 1 FROM "achievements" WHERE "code" = candidate) LOOP
      n := n + 1;
      candidate := rtrim(left(base, 64 - length('-' || n)), '-') || '-' || n;
    END LOOP;
    UPDATE "achievements" SET "code" = candidate WHERE "id" = course."id";
  END LOOP;
END $$;
