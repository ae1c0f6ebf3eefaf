import { describe, expect, it } from 'vitest'
import * as shared from '../../shared/index'

describe('shared/index', () => {
  it('re-exports the public API', () => {
    const names = [
      'newShapeId', 'defaultNodeProps', 'makeNodeRecord', 'makeBaseDocumentRecords', 'deriveTree', 'pathTo', 'subtreeIds',
      'canBeChildOf', 'checkReparent', 'allowedChildKinds', 'hintsFor', 'opportunityScore', 'iceScore', 'nodeScore',
      'sortSiblingsByScore', 'ICE_METHOD', 'layoutTree', 'treeToJson', 'TreeJsonSchema', 'parseTreeJson', 'treeJsonToRecords',
      'parseOutline', 'treeToOutline', 'treeToCsv', 'betPath', 'betWarnings', 'snapshotBet', 'betToMarkdown', 'betToJson',
      'betToJiraCsv', 'betIssueTitle', 'betIssueBody', 'githubIssueRequest', 'jiraIssueRequest', 'linearIssueRequest',
      'markdownToAdf', 'parseGithubResponse', 'parseJiraResponse', 'parseLinearResponse', 'NODE_KINDS', 'MESSAGE_SYNC',
    ]
    for (const name of names) expect(shared, name).toHaveProperty(name)
  })
})
