// Getting text and files out of the browser: copy to the clipboard (with a fallback for browsers or
// contexts that refuse the async clipboard) and download as a file, without any server round trip.

import { FORMAT_MEDIA_TYPE } from '../../shared/formats/export-format'
import type { ExportFormat } from '../../shared/formats/export-format'


export async function copyText(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text)
    return
  } catch {
    // Not allowed here (no permission, not focused): the old way still works from a click.
  }
  const area = document.createElement('textarea')
  area.value = text
  area.setAttribute('readonly', '')
  area.style.position = 'fixed'
  area.style.opacity = '0'
  document.body.appendChild(area)
  area.select()
  const ok = document.execCommand('copy')
  area.remove()
  if (!ok) throw new Error('The browser did not allow copying')
}

export function fileName(base: string, ext: string) {
  const safe = base.replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 80) || 'board'
  return `${safe}.${ext}`
}

export function downloadBlob(blob: Blob, name: string) {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = name
  a.style.display = 'none'
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

export function downloadText(text: string, base: string, format: ExportFormat) {
  downloadBlob(new Blob([text], { type: FORMAT_MEDIA_TYPE[format] }), fileName(base, format))
}
