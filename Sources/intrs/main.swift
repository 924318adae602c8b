import IntRSCLI

IntRSCommand.runMain()
