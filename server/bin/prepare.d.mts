export declare const ROOT: string;
export declare function ensureDependencies(): void;
export declare function ensureUi(): void;
export declare function registerTypeScript(): Promise<void>;
