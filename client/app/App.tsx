import { navigate, useRoute } from '../platform/router'
import { HomePage } from '../home/HomePage'
import { BoardPage } from './BoardPage'

export function App() {
  const route = useRoute()
  if (route.name === 'board') return <BoardPage key={`${route.id}:${route.token}`} boardId={route.id} token={route.token} />
  if (route.name === 'home') return <HomePage />
  return (
    <main className="ob-page ob-center">
      <h1>Page not found</h1>
      <button className="ob-btn ob-btn--primary" onClick={() => navigate('/')}>
        Go to your boards
      </button>
    </main>
  )
}
