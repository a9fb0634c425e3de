CREATE INDEX `users_org_name_idx` ON `users` (`org_id`,"name" collate nocase,`id`);--> statement-breakpoint
CREATE INDEX `users_org_email_idx` ON `users` (`org_id`,`email`);