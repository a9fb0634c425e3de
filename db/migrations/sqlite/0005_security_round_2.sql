ALTER TABLE `login_challenges` ADD `credentials_version` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `pending_enrollments` ADD `owner` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `users` ADD `credentials_version` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `users` ADD `second_factor_failures` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX `throttle_hits_at_idx` ON `throttle_hits` (`at`);--> statement-breakpoint
CREATE INDEX `throttle_locks_until_idx` ON `throttle_locks` (`until`);