// Behaviour common to the four node shapes: a resizable card, title editing on double-click, and
// drag-onto-another-node to reparent (refused with the rule it breaks). Each kind's file adds its props
// validator, defaults and field chips.

import { BaseBoxShapeUtil, HTMLContainer } from '@tldraw/tldraw'
import type { TLShape } from '@tldraw/tldraw'
import type { NodeKind } from '../../shared/model'
import { checkReparent } from '../../shared/tree'
import { showNotice } from '../ui/notice'
import { isNodeShape, reparent } from '../editor/actions'
import { boardState } from '../editor/state'
import type { NodeShape } from '../editor/shape-props'
import { NodeCard } from './NodeCard'
import type { CardContent } from './NodeCard'

export abstract class NodeShapeUtil<S extends NodeShape> extends BaseBoxShapeUtil<S> {
  abstract readonly kind: NodeKind

  /** Field chips and optional score for the card. */
  abstract renderFields(shape: S): CardContent

  override canEdit() {
    return true
  }
  override hideRotateHandle() {
    return true
  }
  override canSnap() {
    return true
  }
  override getText(shape: S) {
    return shape.props.title
  }
  override getAriaDescriptor(shape: S) {
    return `${this.kind}: ${shape.props.title || 'untitled'}`
  }

  component(shape: S) {
    return (
      <HTMLContainer style={{ pointerEvents: 'all' }}>
        <NodeCard
          id={shape.id}
          kind={this.kind}
          title={shape.props.title}
          w={shape.props.w}
          h={shape.props.h}
          content={() => this.renderFields(shape)}
        />
      </HTMLContainer>
    )
  }

  getIndicatorPath(shape: S) {
    const path = new Path2D()
    path.roundRect(0, 0, shape.props.w, shape.props.h, 12)
    return path
  }

  // Drop target feedback: hint the card when the dragged node may move under it.
  override onDragShapesOver(target: S, shapes: TLShape[]) {
    const dragged = shapes.filter(isNodeShape)
    if (dragged.length !== 1) return
    const tree = boardState(this.editor).tree.get()
    const ok = checkReparent(tree, dragged[0].id, target.id).ok
    this.editor.setHintingShapes(ok ? [target.id] : [])
  }

  override onDragShapesOut() {
    this.editor.setHintingShapes([])
  }

  // Dropping a single node onto another node makes it that node's child (if the rules allow).
  override onTranslateEnd(initial: S, current: S) {
    this.editor.setHintingShapes([])
    const selected = this.editor.getSelectedShapes()
    if (selected.length !== 1 || selected[0].id !== current.id) return
    const point = this.editor.inputs.getCurrentPagePoint()
    const target = this.editor.getDraggingOverShape(point, [current])
    if (!target || !isNodeShape(target) || target.id === current.id) return
    const tree = boardState(this.editor).tree.get()
    if (tree.byId.get(current.id)?.parentId === target.id) {
      // Dropped back on its own parent: just tidy up.
      queueMicrotask(() => reparent(this.editor, current.id, target.id))
      return
    }
    const check = checkReparent(tree, current.id, target.id)
    if (!check.ok) {
      showNotice(`Can't move it there: ${check.reason.charAt(0).toLowerCase()}${check.reason.slice(1)}.`, 'warn')
      // Put it back where it came from.
      queueMicrotask(() =>
        this.editor.animateShapes([{ id: current.id, type: current.type, x: initial.x, y: initial.y }], {
          animation: { duration: 200 },
        }),
      )
      return
    }
    queueMicrotask(() => reparent(this.editor, current.id, target.id))
  }
}
