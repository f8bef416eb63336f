import chisel3._

class Counter4bit extends Module {
  val io = IO(new Bundle {
    val en = Input(Bool())
    val count = Output(UInt(4.W))
  })

  val countReg = RegInit(0.U(4.W))
  when(io.en) {
    when(countReg === 0.U) {
      countReg := 1.U
    }.otherwise {
      countReg := countReg + 1.U
    }
  }
  io.count := countReg
}
