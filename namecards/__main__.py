from namecards.cli import main

main()
