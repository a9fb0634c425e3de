ALTER TABLE "users" drop column "two_factor_state";--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "webauthn_key_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
UPDATE "users" SET "webauthn_key_count" = (SELECT count(*) FROM "webauthn_credentials" WHERE "webauthn_credentials"."user_id" = "users"."id");--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "two_factor_state" text GENERATED ALWAYS AS (case when sign_in_method = 'sso' then 'sso' when totp_enabled_at is not null or webauthn_key_count > 0 then 'enabled' else 'none' end) STORED;--> statement-breakpoint
CREATE INDEX "users_org_state_name_idx" ON "users" USING btree ("org_id","two_factor_state",lower("name") collate "C","id");--> statement-breakpoint
CREATE INDEX "users_org_state_email_idx" ON "users" USING btree ("org_id","two_factor_state","email" collate "C");
