import chisel3._

class Acc16 extends Module {
  val io = IO(new Bundle {
    val en = Input(Bool())
    val clear = Input(Bool())
    val in = Input(UInt(8.W))
    val sum = Output(UInt(16.W))
  })

  val total = RegInit(0.U(16.W))
  when(io.clear) {
    total := 0.U
  }.elsewhen(io.en) {
    total := total +% io.in
  }
  io.sum := total
}
