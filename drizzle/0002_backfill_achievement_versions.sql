-- Custom SQL migration file, put your code below! --
-- Courses created before versioning get their current content recorded as their first version.
INSERT INTO "achievement_versions" ("achievement_id", "version", "content", "created_at")
SELECT "id", "version",
       jsonb_build_object('name', "name", 'description', "description", 'criteria', "criteria",
                          'achievementType', "achievement_type", 'series', "series", 'level', "level",
                          'hours', "hours", 'alignments', "alignments"),
       "updated_at"
FROM "achievements"
ON CONFLICT DO NOTHING;
