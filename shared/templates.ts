// Starting points for a new board. Each template is Tree JSON input (missing fields take their defaults
// when parsed), so a template is seeded through exactly the same path as an import.

export interface BoardTemplate {
  id: 'empty' | 'starter' | 'example'
  name: string
  description: string
  /** Tree JSON input, or null for a blank canvas. */
  tree: { title: string; roots: unknown[] } | null
}

const starter = {
  title: 'New discovery tree',
  roots: [
    {
      kind: 'outcome',
      title: 'Name the product outcome you want to move',
      notes:
        'Pick one measurable customer behaviour your team can influence (a product outcome), e.g. "Raise the share of new teams active in week 4 from 22% to 35%". Avoid lagging business outcomes such as revenue.',
      metric: '',
      children: [
        {
          kind: 'opportunity',
          title: 'I … (a need, pain or desire in the customer\'s words)',
          notes:
            'Opportunities come from interviews, not from ideas: write them as the customer would say them. If only one solution fits, it is probably a solution in disguise.',
          children: [
            { kind: 'solution', title: 'First idea for this opportunity', notes: 'Compare at least three solutions for the target opportunity, only against each other.', children: [
              { kind: 'assumption', title: 'What must be true for this to work?', category: 'desirability', notes: 'Test the most important, least-evidenced assumptions first — usually desirability.', children: [] },
            ] },
            { kind: 'solution', title: 'Second idea', children: [] },
            { kind: 'solution', title: 'Third idea', children: [] },
          ],
        },
        {
          kind: 'opportunity',
          title: 'I … (another opportunity)',
          notes: 'Compare sibling opportunities by importance and satisfaction, then pick one target opportunity.',
          children: [],
        },
      ],
    },
  ],
}

const example = {
  title: 'Team onboarding (example)',
  roots: [
    {
      kind: 'outcome',
      title: 'Increase teams active in week 4 from 22% to 35%',
      metric: 'teams active in week 4',
      baseline: 22,
      target: 35,
      current: 24,
      children: [
        {
          kind: 'opportunity',
          title: "I can't tell whether my teammates have seen my changes",
          evidence: ["Interview 12: 'I post in chat to ask if anyone looked'", 'Interview 15: checks the board history every morning'],
          importance: 8,
          satisfaction: 3,
          children: [
            { kind: 'solution', title: 'Activity digest per board', impact: 6, confidence: 5, ease: 7, status: 'exploring', children: [
              { kind: 'assumption', title: 'People read a daily digest', category: 'desirability', test: 'Fake-door digest email to 50 teams', result: 'testing', children: [] },
              { kind: 'assumption', title: 'We can summarise changes in a few lines', category: 'feasibility', children: [] },
            ] },
            { kind: 'solution', title: 'Seen-by markers on changed items', impact: 7, confidence: 4, ease: 5, children: [] },
            { kind: 'solution', title: 'Mention a teammate on any card', impact: 5, confidence: 6, ease: 8, children: [] },
          ],
        },
        {
          kind: 'opportunity',
          title: 'Setting up a board for my team takes too long',
          importance: 6,
          satisfaction: 5,
          children: [
            { kind: 'opportunity', title: "I don't know which template fits my team", importance: 5, satisfaction: 4, children: [] },
          ],
        },
      ],
    },
  ],
}

export const BOARD_TEMPLATES: readonly BoardTemplate[] = [
  { id: 'empty', name: 'Empty board', description: 'A blank canvas: add an outcome and grow the tree.', tree: null },
  { id: 'starter', name: 'Starter tree with hints', description: 'The shape of a good tree, with Torres’ guidance in each node’s notes.', tree: starter },
  { id: 'example', name: 'Worked example', description: 'A filled-in team-onboarding tree to explore the features.', tree: example },
]
