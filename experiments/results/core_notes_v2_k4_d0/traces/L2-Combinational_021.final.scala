import chisel3._

class ComparatorLt8 extends Module {
  val io = IO(new Bundle {
    val a = Input(UInt(8.W))
    val b = Input(UInt(8.W))
    val result = Output(Bool())
  })

  io.result := io.a < io.b
}
