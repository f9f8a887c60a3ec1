// The in-memory store passes the DirectoryStore contract.
import { createMemoryDirectoryStore } from '../../src/store/memory/index.js'
import { describeDirectoryStoreContract } from './directory-store-contract.js'

describeDirectoryStoreContract('memory', () => createMemoryDirectoryStore())
