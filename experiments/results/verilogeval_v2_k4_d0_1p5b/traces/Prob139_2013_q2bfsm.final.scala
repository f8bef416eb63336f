import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val clk   = Input(Clock())
    val reset = IO(Input(Bool()))
    val x     = Input(UInt(1.W))
    val y     = Input(UInt(1.W))
    val f     = Output(Bool())
    val g     = Output(Bool())
  })
  val state = RegInit(0.U(2.W))
  val f = RegInit(false.B)
  val g = RegInit(false.B)
  val lastReset = RegInit(false.B)
  when(reset.asBool) {
    state := 0.U
    f := false.B
    g := false.B
    lastReset := true.B
  } .otherwise {
    when(lastReset) {
      state := 0.U
      f := false.B
      g := false.B
      lastReset := false.B
    } .otherwise {
      when(state === 0.U) {
        when(io.x === 1.U) { state := 1.U }
      } .otherwise {
        when(state === 1.U) {
          when(io.y === 1.U) { g := true.B }
          .otherwise { g := false.B }
        } .otherwise {
          when(state === 2.U) {
            when(io.y === 1.U) { g := true.B }
            .otherwise { g := false.B }
          } .otherwise {
            when(state === 3.U) {
              when(io.y === 1.U) { g := true.B }
              .otherwise { g := false.B }
            }
          }
        }
      }
    }
  }
  f := state === 1.U || state === 2.U
  g := state === 1.U || state === 2.U || state === 3.U
  io.f := f
  io.g := g
}
