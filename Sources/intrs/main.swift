import IntRSCLI

IntRSCommand.main()
