import chisel3._

class ComparatorEq16 extends Module {
  val io = IO(new Bundle {
    val a = Input(UInt(16.W))
    val b = Input(UInt(16.W))
    val result = Output(Bool())
  })

  io.result := io.a === io.b
}
