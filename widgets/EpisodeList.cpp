// Episode list: the sortable episodes table of one run.
#include "widgets/EpisodeList.h"

#include <QHeaderView>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

#include "util/Errors.h"
#include "widgets/EpisodeTableModel.h"

#include "widgets/TableColumns.h"

namespace palaestra {

EpisodeList::EpisodeList(QWidget* parent)
    : QWidget(parent),
      model_(new EpisodeTableModel(this)),
      proxy_(new QSortFilterProxyModel(this)),
      view_(new QTableView(this)) {
  proxy_->setSourceModel(model_);
  proxy_->setSortRole(EpisodeTableModel::SortRole);
  proxy_->setDynamicSortFilter(true);
  view_->setModel(proxy_);
  view_->setSortingEnabled(true);
  view_->setSelectionBehavior(QAbstractItemView::SelectRows);
  view_->setSelectionMode(QAbstractItemView::SingleSelection);
  view_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  view_->setAlternatingRowColors(true);
  view_->verticalHeader()->hide();
  fitColumnsToTitles(view_->horizontalHeader());
  view_->sortByColumn(EpisodeTableModel::Id, Qt::AscendingOrder);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(view_);

  connect(view_, &QTableView::activated, this, [this](const QModelIndex& index) {
    emit episodeActivated(index.data(EpisodeTableModel::EpisodeIdRole).toLongLong());
  });
  connect(model_, &EpisodeTableModel::errorOccurred, this, &EpisodeList::errorOccurred);
}

void EpisodeList::setStore(std::shared_ptr<RunStore> store) {
  store_ = store;
  model_->setStore(std::move(store));
}

bool EpisodeList::setRun(int64_t runId) {
  return model_->setRun(runId < 0 ? std::nullopt : std::optional<int64_t>(runId));
}

int64_t EpisodeList::runId() const { return model_->runId().value_or(-1); }

bool EpisodeList::refresh() {
  const std::optional<int64_t> shown = model_->runId();
  if (store_ && shown) {
    // A run deleted (here or by another process) simply has no episodes to show.
    try {
      store_->getRun(*shown);
    } catch (const NotFoundError&) {
      return model_->setRun(std::nullopt);
    } catch (const std::exception&) {
      // Any other store problem is reported by the model's own refresh below.
    }
  }
  return model_->refresh();
}

EpisodeTableModel* EpisodeList::model() const { return model_; }
QSortFilterProxyModel* EpisodeList::proxy() const { return proxy_; }
QTableView* EpisodeList::view() const { return view_; }

}  // namespace palaestra
