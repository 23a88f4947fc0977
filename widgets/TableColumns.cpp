#include "widgets/TableColumns.h"

#include <QHeaderView>

namespace palaestra {

void fitColumnsToTitles(QHeaderView* header) {
  header->setSectionResizeMode(QHeaderView::ResizeToContents);
  header->setStretchLastSection(true);
}

}  // namespace palaestra
