#include "widgets/ConfigForm.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QRegularExpression>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <exception>

#include "train/TrainConfig.h"
#include "util/Errors.h"
#include "util/JsonText.h"

namespace palaestra {

namespace {

const char* kInvalidStyle = "border: 1px solid #c00000; background-color: #ffe0e0;";

/// Collects (path segments, leaf) for every non-object value under `value`; empty objects have no leaves.
void collectLeaves(const nlohmann::json& value, std::vector<std::string>& prefix,
                   std::vector<std::pair<std::vector<std::string>, nlohmann::json>>& out) {
  for (const auto& [key, child] : value.items()) {
    prefix.push_back(key);
    if (child.is_object())
      collectLeaves(child, prefix, out);
    else
      out.emplace_back(prefix, child);
    prefix.pop_back();
  }
}

QString joinPath(const std::vector<std::string>& keys) {
  QStringList parts;
  for (const auto& k : keys) parts << QString::fromStdString(k);
  return parts.join('.');
}

bool isNumberList(const nlohmann::json& leaf) {
  return leaf.is_array() &&
         std::all_of(leaf.begin(), leaf.end(), [](const nlohmann::json& e) { return e.is_number_integer(); });
}

/// The number a field's text denotes: a JSON integer when the text is a whole literal, else a double.
bool parseNumber(const QString& text, nlohmann::json* out) {
  bool ok = false;
  const qlonglong whole = text.toLongLong(&ok);
  if (ok) {
    *out = static_cast<int64_t>(whole);
    return true;
  }
  const double d = text.toDouble(&ok);
  if (!ok || !std::isfinite(d)) return false;
  *out = d;
  return true;
}

}  // namespace

ConfigForm::ConfigForm(QWidget* parent)
    : QWidget(parent), validator_([](const nlohmann::json& v) { TrainConfig::fromJson(v); }) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  sections_ = new QVBoxLayout;
  layout->addLayout(sections_);
  message_ = new QLabel(this);
  message_->setObjectName("configFormMessage");
  message_->setWordWrap(true);
  message_->setStyleSheet("color: #c00000;");
  message_->hide();
  layout->addWidget(message_);
  layout->addStretch(1);
}

void ConfigForm::clearEditors() {
  while (QLayoutItem* item = sections_->takeAt(0)) {
    // Deferred: clearing may run inside a signal of one of these editors.
    if (QWidget* w = item->widget()) {
      w->hide();
      w->deleteLater();
    }
    delete item;
  }
  fields_.clear();
  errors_.clear();
  generalError_.clear();
}

void ConfigForm::setValue(const nlohmann::json& value) {
  rebuilding_ = true;
  clearEditors();
  if (!value.is_object()) {
    skeleton_ = nlohmann::json::object();
    valueError_ = tr("config must be a JSON object, got %1").arg(QString::fromStdString(value.dump()));
    rebuilding_ = false;
    validate();
    return;
  }
  skeleton_ = value;
  valueError_.clear();
  std::vector<std::pair<std::vector<std::string>, nlohmann::json>> leaves;
  std::vector<std::string> prefix;
  collectLeaves(value, prefix, leaves);

  // One group per top-level section; top-level leaves share a "general" group, listed first.
  std::map<std::string, QFormLayout*> forms;
  auto formOf = [&](const std::string& section) {
    auto it = forms.find(section);
    if (it != forms.end()) return it->second;
    auto* box = new QGroupBox(QString::fromStdString(section), this);
    box->setObjectName(QString::fromStdString("section_" + section));
    auto* form = new QFormLayout(box);
    sections_->addWidget(box);
    forms[section] = form;
    return form;
  };
  if (std::any_of(leaves.begin(), leaves.end(), [](const auto& l) { return l.first.size() == 1; }))
    formOf("general");
  for (const auto& [keys, leaf] : leaves) {
    Field field;
    field.keys = keys;
    field.path = joinPath(keys);
    QStringList choices;
    auto set = choices_.find(field.path);
    if (set != choices_.end())
      choices = set->second;
    else if (leaf.is_string())
      choices = probeChoices(value, field);
    QWidget* editor = makeEditor(field, leaf, choices);
    editor->setObjectName(field.path);
    field.editor = editor;
    if (documentation_) field.meaning = documentation_(field.path);
    const std::string section = keys.size() == 1 ? "general" : keys.front();
    const std::vector<std::string> rest(keys.begin() + (keys.size() == 1 ? 0 : 1), keys.end());
    auto* label = new QLabel(joinPath(rest), this);
    label->setObjectName(field.path + QStringLiteral("_label"));
    label->setToolTip(field.meaning);
    label->setBuddy(editor);
    formOf(section)->addRow(label, editor);
    fields_.push_back(field);
  }
  rebuilding_ = false;
  validate();
}

QStringList ConfigForm::probeChoices(const nlohmann::json& value, const Field& field) const {
  nlohmann::json probe = value;
  nlohmann::json* node = &probe;
  for (const auto& key : field.keys) node = &(*node)[key];
  *node = "?";  // no validator accepts this, so it says what it would accept
  QString message;
  try {
    validator_(probe);
    return {};
  } catch (const std::exception& e) {
    message = QString::fromStdString(e.what());
  }
  const QString lead = field.path + " must be ";
  const qsizetype end = message.lastIndexOf(", got ");
  if (!message.startsWith(lead) || end < lead.size()) return {};
  const QString expected = message.mid(lead.size(), end - lead.size());
  QStringList choices;
  if (expected.startsWith("one of ")) {
    // "one of normal, hardcore, stump_tracks"
    for (const QString& c : expected.mid(7).split(", ", Qt::SkipEmptyParts)) choices << c.trimmed();
  } else {
    // "\"clip\" or \"tanh\""
    QRegularExpression quoted("\"([^\"]+)\"");
    for (auto it = quoted.globalMatch(expected); it.hasNext();) choices << it.next().captured(1);
  }
  return choices.size() >= 2 ? choices : QStringList();
}

QWidget* ConfigForm::makeEditor(Field& field, const nlohmann::json& leaf, const QStringList& choices) {
  if (!choices.isEmpty() && (leaf.is_string() || leaf.is_null())) {
    field.kind = Kind::Choice;
    auto* combo = new QComboBox(this);
    combo->addItems(choices);
    const QString current = leaf.is_string() ? QString::fromStdString(leaf.get<std::string>()) : QString();
    if (!current.isEmpty() && combo->findText(current) < 0) combo->addItem(current);
    combo->setCurrentIndex(std::max(0, combo->findText(current)));
    connect(combo, &QComboBox::currentIndexChanged, this, [this] { validate(); });
    return combo;
  }
  if (leaf.is_boolean()) {
    field.kind = Kind::Boolean;
    auto* box = new QCheckBox(this);
    box->setChecked(leaf.get<bool>());
    connect(box, &QCheckBox::toggled, this, [this] { validate(); });
    return box;
  }
  auto* edit = new QLineEdit(this);
  if (leaf.is_number() || leaf.is_null()) {
    field.kind = Kind::Number;
    edit->setText(leaf.is_null() ? QString() : QString::fromStdString(leaf.dump()));
    if (leaf.is_null()) edit->setPlaceholderText(tr("none"));
  } else if (leaf.is_string()) {
    field.kind = Kind::String;
    edit->setText(QString::fromStdString(leaf.get<std::string>()));
  } else if (isNumberList(leaf)) {
    field.kind = Kind::IntegerList;
    QStringList parts;
    for (const auto& e : leaf) parts << QString::fromStdString(e.dump());
    edit->setText(parts.join(", "));
    edit->setPlaceholderText(tr("comma-separated whole numbers"));
  } else {
    field.kind = Kind::Json;
    edit->setText(QString::fromStdString(leaf.dump()));
  }
  connect(edit, &QLineEdit::textChanged, this, [this] { validate(); });
  return edit;
}

nlohmann::json ConfigForm::parseField(const Field& field, QString* error) const {
  switch (field.kind) {
    case Kind::Boolean:
      return static_cast<QCheckBox*>(field.editor)->isChecked();
    case Kind::Choice:
      return static_cast<QComboBox*>(field.editor)->currentText().toStdString();
    default:
      break;
  }
  const QString text = static_cast<QLineEdit*>(field.editor)->text().trimmed();
  switch (field.kind) {
    case Kind::Number: {
      if (text.isEmpty()) return nullptr;  // the validator decides whether this field may be absent
      nlohmann::json number;
      if (!parseNumber(text, &number)) {
        *error = tr("%1 must be a number, got \"%2\"").arg(field.path, text);
        return nullptr;
      }
      return number;
    }
    case Kind::String:
      return text.toStdString();
    case Kind::IntegerList: {
      nlohmann::json list = nlohmann::json::array();
      for (const QString& part : text.split(QRegularExpression("[,\\s]+"), Qt::SkipEmptyParts)) {
        bool ok = false;
        const qlonglong n = part.toLongLong(&ok);
        if (!ok) {
          *error = tr("%1 must be comma-separated whole numbers, got \"%2\"").arg(field.path, part);
          return nullptr;
        }
        list.push_back(static_cast<int64_t>(n));
      }
      return list;
    }
    case Kind::Json: {
      // Bounded nesting: a pasted 100,000-level array would overflow the stack when copied.
      try {
        return parseJsonText(text.toStdString());
      } catch (const JsonTextError& e) {
        *error = tr("%1 must be valid JSON, got \"%2\": %3")
                     .arg(field.path, text.left(40), QString::fromStdString(e.what()));
        return nullptr;
      }
    }
    default:
      return nullptr;
  }
}

nlohmann::json ConfigForm::value() const {
  nlohmann::json out = skeleton_;
  for (const Field& field : fields_) {
    QString ignored;
    nlohmann::json* node = &out;
    for (const auto& key : field.keys) node = &(*node)[key];
    *node = parseField(field, &ignored);
  }
  return out;
}

void ConfigForm::setChoices(const QString& path, const QStringList& choices) { choices_[path] = choices; }

void ConfigForm::setDocumentation(Documentation documentation) {
  documentation_ = std::move(documentation);
}

void ConfigForm::setMessageVisible(bool visible) {
  messageVisible_ = visible;
  message_->setVisible(visible && !message_->text().isEmpty());
}

void ConfigForm::setValidator(Validator validator) {
  validator_ = std::move(validator);
  validate();
}

QStringList ConfigForm::pathsOfMessage(const QString& message) const {
  // The longest field path the message starts with (followed by a separator) or quotes.
  QString best;
  for (const Field& field : fields_) {
    const QString& p = field.path;
    const bool leads = message.startsWith(p) &&
                       (message.size() == p.size() || QString(" .:([").contains(message.at(p.size())));
    const bool quoted = message.contains('\'' + p + '\'');
    if ((leads || quoted) && p.size() > best.size()) best = p;
  }
  if (!best.isEmpty()) return {best};
  // Otherwise a section the message starts with, e.g. "budget needs steps or minutes": mark all its fields.
  QStringList section;
  for (const Field& field : fields_) {
    const QString head = QString::fromStdString(field.keys.front());
    if (field.keys.size() > 1 && message.startsWith(head + ' ')) section << field.path;
  }
  return section;
}

void ConfigForm::validate() {
  if (rebuilding_) return;
  errors_.clear();
  generalError_ = valueError_;

  for (const Field& field : fields_) {
    QString error;
    parseField(field, &error);
    if (!error.isEmpty()) errors_[field.path] = error;
  }
  if (generalError_.isEmpty()) {
    // The validator reports one problem at a time. To find them all, each field it blames (and
    // each field whose text does not parse) is put back to its value from setValue and the
    // value is checked again, until it passes or the blame no longer moves (the value from
    // setValue is itself the problem, or nothing names a field).
    nlohmann::json candidate = value();
    auto restore = [&](const QString& path) {
      for (const Field& field : fields_) {
        if (field.path != path) continue;
        const nlohmann::json* original = &skeleton_;
        nlohmann::json* node = &candidate;
        for (const auto& key : field.keys) {
          original = &(*original)[key];
          node = &(*node)[key];
        }
        *node = *original;
      }
    };
    for (const auto& [path, message] : errors_) restore(path);
    for (size_t round = 0; round <= fields_.size(); ++round) {
      QString message;
      try {
        validator_(candidate);
      } catch (const std::exception& e) {
        message = QString::fromStdString(e.what());
        if (message.isEmpty()) message = tr("invalid config");
      }
      if (message.isEmpty()) break;
      const QStringList paths = pathsOfMessage(message);
      if (paths.isEmpty()) {
        generalError_ = message;
        break;
      }
      bool newBlame = false;
      for (const QString& p : paths) {
        if (errors_.count(p)) continue;
        errors_[p] = message;
        newBlame = true;
        restore(p);
      }
      if (!newBlame) break;
    }
  }
  for (const Field& field : fields_) {
    auto it = errors_.find(field.path);
    mark(field, it == errors_.end() ? QString() : it->second);
  }
  const QStringList all = errors();
  message_->setText(all.join('\n'));
  message_->setVisible(messageVisible_ && !all.isEmpty());

  const bool valid = isValid();
  if (valid != lastValid_) {
    lastValid_ = valid;
    emit validityChanged(valid);
  }
  emit edited();
}

void ConfigForm::mark(const Field& field, const QString& error) {
  field.editor->setStyleSheet(error.isEmpty() ? QString() : QString(kInvalidStyle));
  // The problem first (it is why the field is red), then what the field means.
  QString tip = error;
  if (!field.meaning.isEmpty())
    tip += (tip.isEmpty() ? QString() : QStringLiteral("\n\n")) + field.meaning;
  field.editor->setToolTip(tip);
  field.editor->setProperty("invalid", !error.isEmpty());
}

QString ConfigForm::firstError() const {
  if (!generalError_.isEmpty()) return generalError_;
  for (const Field& field : fields_) {
    auto it = errors_.find(field.path);
    if (it != errors_.end()) return it->second;
  }
  return {};
}

QStringList ConfigForm::errors() const {
  QStringList out;
  if (!generalError_.isEmpty()) out << generalError_;
  for (const Field& field : fields_) {
    auto it = errors_.find(field.path);
    // One message may blame a whole section: list it once.
    if (it != errors_.end() && !out.contains(it->second)) out << it->second;
  }
  return out;
}

QStringList ConfigForm::markedFields() const {
  QStringList out;
  for (const Field& field : fields_)
    if (errors_.count(field.path)) out << field.path;
  return out;
}

QWidget* ConfigForm::editor(const QString& path) const {
  for (const Field& field : fields_)
    if (field.path == path) return field.editor;
  return nullptr;
}

QStringList ConfigForm::fieldPaths() const {
  QStringList out;
  for (const Field& field : fields_) out << field.path;
  return out;
}

}  // namespace palaestra
