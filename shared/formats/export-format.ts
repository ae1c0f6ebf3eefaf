// The three text formats a tree, a version or the bet is exported in, with the names people read and the
// media types both the server's responses and the browser's downloads carry.

export const EXPORT_FORMATS = ['md', 'json', 'csv'] as const
export type ExportFormat = (typeof EXPORT_FORMATS)[number]

export const FORMAT_LABEL: Record<ExportFormat, string> = { md: 'Markdown', json: 'JSON', csv: 'CSV' }

export const FORMAT_MEDIA_TYPE: Record<ExportFormat, string> = {
  md: 'text/markdown; charset=utf-8',
  json: 'application/json; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
}
