// palaestra: the desktop app. Opens the last (or default) run store and shows the main window.
#include <QApplication>

#include "Simulations.h"
#include "gui/AppController.h"
#include "gui/AppSettings.h"
#include "gui/MainWindow.h"

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  QApplication::setOrganizationName(palaestra::kSettingsOrganization);
  QApplication::setApplicationName(palaestra::kSettingsApplication);
  QApplication::setApplicationDisplayName(QStringLiteral("Palaestra"));
  palaestra::registerBuiltinSimulations();

  palaestra::MainWindow window;
  palaestra::AppController controller(window);
  window.show();
  // A store that cannot be opened was reported; the window still runs and can open another.
  window.openStartupStore();
  return QApplication::exec();
}
