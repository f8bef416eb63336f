import chisel3._

class CounterMod100 extends Module {
  val io = IO(new Bundle {
    val en = Input(Bool())
    val count = Output(UInt(8.W))
  })

  val countReg = RegInit(0.U(8.W))
  when(io.en) {
    when(countReg === 99.U) {
      countReg := 0.U
    }.otherwise {
      countReg := countReg + 1.U
    }
  }
  io.count := countReg
}
