CREATE INDEX "audit_org_action_idx" ON "audit_events" USING btree ("org_id","action","id");--> statement-breakpoint
CREATE INDEX "audit_org_target_idx" ON "audit_events" USING btree ("org_id","target_user_id","id");--> statement-breakpoint
CREATE INDEX "audit_org_actor_idx" ON "audit_events" USING btree ("org_id","actor_user_id","id");--> statement-breakpoint
CREATE INDEX "audit_org_created_idx" ON "audit_events" USING btree ("org_id","created_at");