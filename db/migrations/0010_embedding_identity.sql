ALTER TABLE `users` ADD `external_id` varchar(191);--> statement-breakpoint
ALTER TABLE `users` ADD CONSTRAINT `users_external_id_unique` UNIQUE(`external_id`);