CREATE TABLE `schedule_tasks` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`schedule_id` bigint unsigned NOT NULL,
	`sequence_id` int unsigned NOT NULL,
	`action` varchar(16) NOT NULL,
	`payload` text NOT NULL,
	`time_offset` int unsigned NOT NULL DEFAULT 0,
	`continue_on_failure` boolean NOT NULL DEFAULT false,
	`is_queued` boolean NOT NULL DEFAULT false,
	`created_at` datetime(3) NOT NULL,
	`updated_at` datetime(3) NOT NULL,
	CONSTRAINT `schedule_tasks_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
CREATE TABLE `schedules` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`server_id` bigint unsigned NOT NULL,
	`name` varchar(191) NOT NULL,
	`cron_minute` varchar(191) NOT NULL,
	`cron_hour` varchar(191) NOT NULL,
	`cron_day_of_month` varchar(191) NOT NULL,
	`cron_month` varchar(191) NOT NULL,
	`cron_day_of_week` varchar(191) NOT NULL,
	`is_active` boolean NOT NULL DEFAULT true,
	`is_processing` boolean NOT NULL DEFAULT false,
	`only_when_online` boolean NOT NULL DEFAULT false,
	`last_run_at` datetime(3),
	`next_run_at` datetime(3),
	`last_saved_by` bigint unsigned,
	`run_token` varchar(36),
	`lease_until` datetime(3),
	`run_by` bigint unsigned,
	`run_manual` boolean NOT NULL DEFAULT false,
	`created_at` datetime(3) NOT NULL,
	`updated_at` datetime(3) NOT NULL,
	CONSTRAINT `schedules_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
CREATE TABLE `jobs` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`kind` varchar(64) NOT NULL,
	`payload` json NOT NULL,
	`run_at` datetime(3) NOT NULL,
	`status` varchar(16) NOT NULL DEFAULT 'queued',
	`attempts` int unsigned NOT NULL DEFAULT 0,
	`max_attempts` int unsigned NOT NULL DEFAULT 5,
	`lease_until` datetime(3),
	`last_error` text,
	`dedupe_key` varchar(191),
	`created_at` datetime(3) NOT NULL,
	`updated_at` datetime(3) NOT NULL,
	`finished_at` datetime(3),
	CONSTRAINT `jobs_id` PRIMARY KEY(`id`),
	CONSTRAINT `jobs_dedupe_key_unique` UNIQUE(`dedupe_key`)
);
--> statement-breakpoint
ALTER TABLE `schedule_tasks` ADD CONSTRAINT `schedule_tasks_schedule_id_schedules_id_fk` FOREIGN KEY (`schedule_id`) REFERENCES `schedules`(`id`) ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `schedules` ADD CONSTRAINT `schedules_server_id_servers_id_fk` FOREIGN KEY (`server_id`) REFERENCES `servers`(`id`) ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `schedules` ADD CONSTRAINT `schedules_last_saved_by_users_id_fk` FOREIGN KEY (`last_saved_by`) REFERENCES `users`(`id`) ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `schedules` ADD CONSTRAINT `schedules_run_by_users_id_fk` FOREIGN KEY (`run_by`) REFERENCES `users`(`id`) ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX `schedule_tasks_schedule_seq_idx` ON `schedule_tasks` (`schedule_id`,`sequence_id`);--> statement-breakpoint
CREATE INDEX `schedules_server_id_idx` ON `schedules` (`server_id`);--> statement-breakpoint
CREATE INDEX `schedules_due_idx` ON `schedules` (`is_active`,`is_processing`,`next_run_at`);--> statement-breakpoint
CREATE INDEX `schedules_lease_idx` ON `schedules` (`is_processing`,`lease_until`);--> statement-breakpoint
CREATE INDEX `jobs_due_idx` ON `jobs` (`status`,`run_at`);--> statement-breakpoint
CREATE INDEX `jobs_lease_idx` ON `jobs` (`status`,`lease_until`);