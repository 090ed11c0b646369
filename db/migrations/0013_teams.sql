CREATE TABLE `roles` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`uuid` varchar(36) NOT NULL,
	`owner_id` bigint unsigned NOT NULL,
	`name` varchar(191) NOT NULL,
	`description` text,
	`permissions` json NOT NULL,
	`created_at` datetime(3) NOT NULL,
	`updated_at` datetime(3) NOT NULL,
	CONSTRAINT `roles_id` PRIMARY KEY(`id`),
	CONSTRAINT `roles_uuid_unique` UNIQUE(`uuid`),
	CONSTRAINT `roles_owner_name_unique` UNIQUE(`owner_id`,`name`)
);
--> statement-breakpoint
ALTER TABLE `subusers` ADD `role_id` bigint unsigned;--> statement-breakpoint
ALTER TABLE `subusers` ADD `builtin_role` varchar(32);--> statement-breakpoint
ALTER TABLE `subusers` ADD `overrides` json;--> statement-breakpoint
ALTER TABLE `subusers` ADD `file_scope` json;--> statement-breakpoint
ALTER TABLE `roles` ADD CONSTRAINT `roles_owner_id_users_id_fk` FOREIGN KEY (`owner_id`) REFERENCES `users`(`id`) ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `subusers` ADD CONSTRAINT `subusers_role_id_roles_id_fk` FOREIGN KEY (`role_id`) REFERENCES `roles`(`id`) ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX `subusers_role_id_idx` ON `subusers` (`role_id`);