from csi_tool.cli.main import main

main()
