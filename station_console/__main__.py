from station_console.cli import main

main()
