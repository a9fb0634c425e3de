DROP INDEX `users_org_state_name_idx`;--> statement-breakpoint
DROP INDEX `users_org_state_email_idx`;--> statement-breakpoint
ALTER TABLE `users` DROP COLUMN `two_factor_state`;--> statement-breakpoint
ALTER TABLE `users` ADD `webauthn_key_count` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
UPDATE `users` SET `webauthn_key_count` = (SELECT count(*) FROM `webauthn_credentials` WHERE `webauthn_credentials`.`user_id` = `users`.`id`);--> statement-breakpoint
ALTER TABLE `users` ADD `two_factor_state` text GENERATED ALWAYS AS (case when sign_in_method = 'sso' then 'sso' when totp_enabled_at is not null or webauthn_key_count > 0 then 'enabled' else 'none' end) VIRTUAL;--> statement-breakpoint
CREATE INDEX `users_org_state_name_idx` ON `users` (`org_id`,`two_factor_state`,"name" collate nocase,`id`);--> statement-breakpoint
CREATE INDEX `users_org_state_email_idx` ON `users` (`org_id`,`two_factor_state`,`email`);
