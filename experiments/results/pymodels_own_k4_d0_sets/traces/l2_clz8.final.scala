import chisel3._

class Clz8 extends Module {
  val io = IO(new Bundle {
    val in = Input(UInt(8.W))
    val count = Output(UInt(4.W))
  })

  // Initialize count to 7 (all bits set)
  val countRegister = RegInit(UInt(4.W)(7.W))

  // Count leading zeros
  when(io.in === 0.U) {
    countRegister := countRegister - 1.U
  } else {
    countRegister := 7.U
  }

  // Drive count
  io.count := countRegister
}
