#pragma once
// Column sizing shared by the app's tables and trees.

class QHeaderView;

namespace palaestra {

/// Makes every column at least as wide as its title and contents (a title never shows clipped,
/// as "est eval retur" did) and the last one stretch to the view's edge.
void fitColumnsToTitles(QHeaderView* header);

}  // namespace palaestra
