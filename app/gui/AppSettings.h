#pragma once
// Where the desktop app remembers things between sessions (window geometry,
// dock layout, recent and last run stores). Tests redirect it with
// QSettings::setPath to a temporary directory.

#include <QSettings>
#include <QString>
#include <memory>

namespace palaestra {

/// Organization name under which the app's settings are stored.
inline const QString kSettingsOrganization = QStringLiteral("Palaestra");
/// Application name under which the app's settings are stored.
inline const QString kSettingsApplication = QStringLiteral("palaestra");

/// The app's settings (organization "Palaestra", application "palaestra"), in the native user scope.
inline std::unique_ptr<QSettings> openAppSettings() {
  return std::make_unique<QSettings>(QSettings::NativeFormat, QSettings::UserScope, kSettingsOrganization,
                                     kSettingsApplication);
}

}  // namespace palaestra
