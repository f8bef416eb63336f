import chisel3._

class Counter8bit extends Module {
  val io = IO(new Bundle {
    val en = Input(Bool())
    val count = Output(UInt(8.W))
  })

  val countReg = RegInit(0.U(8.W))
  when(io.en) {
    countReg := countReg + 1.U
  }
  io.count := countReg
}
