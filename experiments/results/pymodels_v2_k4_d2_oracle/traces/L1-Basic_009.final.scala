import chisel3._

class WireMagic extends Module {
  val io = IO(new Bundle {
    val out = Output(UInt(32.W))
    val go = Input(Bool())
    val stop = Input(Bool())
    val en = Input(Bool())
    val word = Input(UInt(32.W))
  })

  val state = RegInit(0.U(32.W))
  val sIdle = 0.U(32.W)
  val sRun = 1.U(32.W)

  val next = WireDefault(state)

  when(io.go) { next := sRun }
    .elsewhen(io.stop) { next := sIdle }
    .otherwise { next := state }
  io.out := DontCare
}
