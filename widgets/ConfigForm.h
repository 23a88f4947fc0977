#pragma once
// An editable form over a JSON config object: one editor per leaf, grouped by
// top-level section (env_config, ppo, budget, ...). Editors are line edits
// (never silently clamping spin boxes) so that any text can be typed, shown
// and marked; booleans are check boxes; fields with known choices are combo
// boxes. Every edit re-validates: each field's text is parsed (bad text marks
// that field), then the whole value goes to a validator (TrainConfig::fromJson
// by default) whose ConfigError message starts with the field path, which is
// mapped back to the editor and marked inline. The validator stops at the
// first problem, so the form puts each blamed field back to its value from
// setValue and asks again: every problem is shown at once. Each field's
// label and editor carry its documented meaning (setDocumentation) as tooltip.

#include <QString>
#include <QStringList>
#include <QWidget>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

class QLabel;
class QVBoxLayout;

namespace palaestra {

class ConfigForm : public QWidget {
  Q_OBJECT

 public:
  /// Checks a whole value; throws (ConfigError, or any std::exception) with a message naming the field.
  using Validator = std::function<void(const nlohmann::json& value)>;

  /// An empty form validating with TrainConfig::fromJson.
  explicit ConfigForm(QWidget* parent = nullptr);

  /// Replaces the editors with one per leaf of `value` (a JSON object), then validates.
  void setValue(const nlohmann::json& value);
  /// The edited value with typed leaves (numbers, integers, booleans, strings, integer lists); unparsable text gives null.
  nlohmann::json value() const;
  /// Offers these choices for the field at `path` (dotted, e.g. "ppo.activation") as a combo box; applies at the next setValue.
  /// String fields without set choices get the values the validator lists for them, if it lists any.
  void setChoices(const QString& path, const QStringList& choices);
  /// Replaces the validator run on the whole value (after each field's text parsed).
  void setValidator(Validator validator);
  /// The documented meaning of the field at a dotted path (empty if none).
  using Documentation = std::function<QString(const QString& path)>;
  /// Sets where field tooltips come from; applies at the next setValue.
  void setDocumentation(Documentation documentation);
  /// Whether the form's own message line lists the problems (default true; a dialog that lists them
  /// itself turns it off).
  void setMessageVisible(bool visible);

  /// True when every field parses and the validator accepts the value.
  bool isValid() const { return errors_.empty() && generalError_.isEmpty(); }
  /// The first problem (field path and message), or an empty string when valid.
  QString firstError() const;
  /// Every problem, one message each: a problem no field owns first, then by field in form order.
  QStringList errors() const;
  /// Dotted paths of the fields currently marked invalid.
  QStringList markedFields() const;
  /// The editor of the field at `path`, or nullptr.
  QWidget* editor(const QString& path) const;
  /// Dotted paths of all fields, in form order.
  QStringList fieldPaths() const;

  /// Re-runs the validation (e.g. after the validator's context changed).
  void validate();

 signals:
  /// Emitted when the form turns valid or invalid.
  void validityChanged(bool valid);
  /// Emitted after any edit, once validation has run.
  void edited();

 private:
  enum class Kind { Number, Boolean, String, Choice, IntegerList, Json };
  struct Field {
    QString path;
    std::vector<std::string> keys;  // JSON path segments
    Kind kind = Kind::Number;
    QWidget* editor = nullptr;
    QString meaning;  // documented meaning (tooltip)
  };

  QWidget* makeEditor(Field& field, const nlohmann::json& leaf, const QStringList& choices);
  /// The values the validator accepts for a string field, read from its message when given an unknown value; empty if it does not list them.
  QStringList probeChoices(const nlohmann::json& value, const Field& field) const;
  /// Parses a field's editor; on bad text sets `error` and returns null.
  nlohmann::json parseField(const Field& field, QString* error) const;
  /// Marks or clears a field's editor.
  void mark(const Field& field, const QString& error);
  /// The field paths a validator message refers to (longest matching field, or a whole section).
  QStringList pathsOfMessage(const QString& message) const;
  void clearEditors();

  nlohmann::json skeleton_ = nlohmann::json::object();  // the last setValue, leaves replaced by value()
  std::vector<Field> fields_;
  std::map<QString, QStringList> choices_;
  std::map<QString, QString> errors_;  // path -> message
  QString generalError_;               // a problem no single field owns
  QString valueError_;                 // setValue was given something other than an object
  Validator validator_;
  Documentation documentation_;
  bool messageVisible_ = true;
  QVBoxLayout* sections_ = nullptr;
  QLabel* message_ = nullptr;
  bool lastValid_ = true;
  bool rebuilding_ = false;
};

}  // namespace palaestra
