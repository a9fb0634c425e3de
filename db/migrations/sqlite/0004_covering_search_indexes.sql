DROP INDEX `users_org_name_idx`;--> statement-breakpoint
DROP INDEX `users_org_email_idx`;--> statement-breakpoint
CREATE INDEX `users_org_name_idx` ON `users` (`org_id`,"name" collate nocase,`id`,`email`);--> statement-breakpoint
CREATE INDEX `users_org_email_idx` ON `users` (`org_id`,`email`,`id`,"name" collate nocase);