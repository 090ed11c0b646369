CREATE TABLE `admin_role_users` (
	`role_id` bigint unsigned NOT NULL,
	`user_id` bigint unsigned NOT NULL,
	`created_at` datetime(3) NOT NULL,
	CONSTRAINT `admin_role_users_role_id_user_id_pk` PRIMARY KEY(`role_id`,`user_id`)
);
--> statement-breakpoint
CREATE TABLE `admin_roles` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`name` varchar(64) NOT NULL,
	`description` varchar(500) NOT NULL DEFAULT '',
	`permissions` json NOT NULL,
	`reserved` boolean NOT NULL DEFAULT false,
	`created_at` datetime(3) NOT NULL,
	`updated_at` datetime(3) NOT NULL,
	CONSTRAINT `admin_roles_id` PRIMARY KEY(`id`),
	CONSTRAINT `admin_roles_name_unique` UNIQUE(`name`)
);
--> statement-breakpoint
ALTER TABLE `users` ADD `deleted_at` datetime(3);--> statement-breakpoint
ALTER TABLE `api_keys` ADD `key_type` varchar(16) DEFAULT 'client' NOT NULL;--> statement-breakpoint
ALTER TABLE `api_keys` ADD `admin_permissions` json;--> statement-breakpoint
ALTER TABLE `activity_logs` ADD `impersonator_id` bigint unsigned;--> statement-breakpoint
ALTER TABLE `admin_role_users` ADD CONSTRAINT `admin_role_users_role_id_admin_roles_id_fk` FOREIGN KEY (`role_id`) REFERENCES `admin_roles`(`id`) ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `admin_role_users` ADD CONSTRAINT `admin_role_users_user_id_users_id_fk` FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX `admin_role_users_user_idx` ON `admin_role_users` (`user_id`);--> statement-breakpoint
ALTER TABLE `activity_logs` ADD CONSTRAINT `activity_logs_impersonator_id_users_id_fk` FOREIGN KEY (`impersonator_id`) REFERENCES `users`(`id`) ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX `activity_time_idx` ON `activity_logs` (`timestamp`);--> statement-breakpoint
INSERT INTO `admin_roles` (`name`, `description`, `permissions`, `reserved`, `created_at`, `updated_at`) VALUES ('super-admin', 'Every admin permission, including ones added later. Reserved: cannot be edited or deleted.', '["*"]', true, NOW(3), NOW(3));--> statement-breakpoint
INSERT INTO `admin_role_users` (`role_id`, `user_id`, `created_at`) SELECT r.`id`, u.`id`, NOW(3) FROM `admin_roles` r JOIN `users` u ON u.`root_admin` = true WHERE r.`name` = 'super-admin';
