CREATE TABLE `trusted_browsers` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` integer NOT NULL,
	`credentials_version` integer NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`last_used_at` integer,
	`user_agent` text,
	`client_address` text,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `trusted_browsers_user_idx` ON `trusted_browsers` (`user_id`);--> statement-breakpoint
CREATE INDEX `trusted_browsers_expires_idx` ON `trusted_browsers` (`expires_at`);--> statement-breakpoint
ALTER TABLE `organizations` ADD `trusted_browsers` integer DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE `organizations` ADD `trusted_browser_days` integer DEFAULT 30 NOT NULL;--> statement-breakpoint
ALTER TABLE `organizations` ADD `two_factor_grace_days` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `sessions` ADD `second_factor` text;--> statement-breakpoint
ALTER TABLE `sessions` ADD `user_agent` text;--> statement-breakpoint
ALTER TABLE `sessions` ADD `client_address` text;--> statement-breakpoint
ALTER TABLE `users` ADD `two_factor_grace_started_at` integer;