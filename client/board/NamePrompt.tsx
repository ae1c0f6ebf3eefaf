// First visit: ask for the name collaborators will see on this person's cursor. Stored in tldraw's user
// preferences (this browser), so the people menu can change it later and it is never asked again.

import { getUserPreferences, setUserPreferences } from '@tldraw/tldraw'
import { useState } from 'react'
import type { FormEvent } from 'react'

export function NamePrompt({ onDone }: { onDone: () => void }) {
  const [name, setName] = useState('')
  const submit = (e: FormEvent) => {
    e.preventDefault()
    const trimmed = name.trim()
    if (!trimmed) return
    setUserPreferences({ ...getUserPreferences(), name: trimmed.slice(0, 60) })
    onDone()
  }
  return (
    <div className="ob-backdrop">
      <form className="ob-dialog" role="dialog" aria-modal="true" aria-labelledby="ob-name-title" onSubmit={submit}>
        <h2 id="ob-name-title">What should we call you?</h2>
        <p className="ob-muted">Your name shows on your cursor so the others know who is who.</p>
        <label className="ob-field">
          <span>Display name</span>
          <input name="displayName" value={name} onChange={(e) => setName(e.target.value)} autoFocus maxLength={60} placeholder="e.g. Sam" />
        </label>
        <div className="ob-dialog__actions">
          <button className="ob-btn ob-btn--primary" type="submit" disabled={!name.trim()}>
            Join the board
          </button>
        </div>
      </form>
    </div>
  )
}
