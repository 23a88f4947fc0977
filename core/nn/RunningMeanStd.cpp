#include "nn/RunningMeanStd.h"

#include <stdexcept>

namespace palaestra {

RunningMeanStd::RunningMeanStd(int dims, double initialCount)
    : mean_(dims, 0.0), var_(dims, 1.0), count_(initialCount) {
  if (dims < 0) throw std::invalid_argument("RunningMeanStd needs a non-negative width");
}

template <typename T>
void RunningMeanStd::updateBatch(const T* batch, int rows) {
  if (rows <= 0) return;
  const int d = dims();
  batchMean_.assign(d, 0.0);
  batchVar_.assign(d, 0.0);
  for (int r = 0; r < rows; ++r)
    for (int j = 0; j < d; ++j) batchMean_[j] += static_cast<double>(batch[r * d + j]);
  for (int j = 0; j < d; ++j) batchMean_[j] /= rows;
  for (int r = 0; r < rows; ++r)
    for (int j = 0; j < d; ++j) {
      const double x = static_cast<double>(batch[r * d + j]) - batchMean_[j];
      batchVar_[j] += x * x;
    }
  for (int j = 0; j < d; ++j) batchVar_[j] /= rows;
  updateFromMoments(batchMean_, batchVar_, rows);
}

void RunningMeanStd::update(const float* batch, int rows) { updateBatch(batch, rows); }
void RunningMeanStd::update(const double* batch, int rows) { updateBatch(batch, rows); }

void RunningMeanStd::updateFromMoments(const std::vector<double>& batchMean, const std::vector<double>& batchVar,
                                       double batchCount) {
  if (static_cast<int>(batchMean.size()) != dims() || static_cast<int>(batchVar.size()) != dims())
    throw std::invalid_argument("RunningMeanStd batch has the wrong width");
  const double total = count_ + batchCount;
  for (int j = 0; j < dims(); ++j) {
    const double delta = batchMean[j] - mean_[j];
    const double m2 = var_[j] * count_ + batchVar[j] * batchCount + delta * delta * count_ * batchCount / total;
    mean_[j] += delta * batchCount / total;
    var_[j] = m2 / total;
  }
  count_ = total;
}

void RunningMeanStd::setState(std::vector<double> mean, std::vector<double> var, double count) {
  if (static_cast<int>(mean.size()) != dims() || static_cast<int>(var.size()) != dims())
    throw std::invalid_argument("RunningMeanStd state has the wrong width");
  mean_ = std::move(mean);
  var_ = std::move(var);
  count_ = count;
}

}  // namespace palaestra
