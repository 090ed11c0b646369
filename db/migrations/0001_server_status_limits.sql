ALTER TABLE `servers` ADD `status` varchar(32);--> statement-breakpoint
ALTER TABLE `servers` ADD `backup_limit` int unsigned;--> statement-breakpoint
ALTER TABLE `servers` ADD `database_limit` int unsigned;--> statement-breakpoint
ALTER TABLE `servers` ADD `allocation_limit` int unsigned;--> statement-breakpoint
ALTER TABLE `servers` ADD `schedule_limit` int unsigned;--> statement-breakpoint
ALTER TABLE `servers` ADD `proxy_limit` int unsigned;