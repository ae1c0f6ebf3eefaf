export function clientBuildIsStale(): string | null
export function ensureClientBuild(opts?: { force?: boolean; log?: (line: string) => void }): boolean
